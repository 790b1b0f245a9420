enum DTLSPlaceholder {}
