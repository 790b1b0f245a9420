import ArgumentParser

/// `linkup serve`: the Socket.IO signaling server with rooms, chat, call relay and the web client.
struct ServeCommand: PlannedCommand {
    static let purpose = "Run the signaling server (rooms, chat, call set-up relay) and serve the web client."
    static let arrivesWith = "issue #5 (signaling server, serve/call/bot, web client)"
    static let configuration = plannedConfiguration("serve")
}

/// `linkup devices`: list V4L2 cameras and ALSA capture/playback devices.
struct DevicesCommand: PlannedCommand {
    static let purpose = "List cameras (V4L2) and audio devices (ALSA) that calls can use."
    static let arrivesWith = "issue #4 (media: capture and playback devices)"
    static let configuration = plannedConfiguration("devices")
}
