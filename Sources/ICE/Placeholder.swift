enum ICEPlaceholder {}
