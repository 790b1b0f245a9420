enum RTPPlaceholder {}
