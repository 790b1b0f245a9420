enum SDPPlaceholder {}
