enum PeerRuntimePlaceholder {}
