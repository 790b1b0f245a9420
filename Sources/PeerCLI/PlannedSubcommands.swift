import ArgumentParser

/// `linkup devices`: list V4L2 cameras and ALSA capture/playback devices.
struct DevicesCommand: PlannedCommand {
    static let purpose = "List cameras (V4L2) and audio devices (ALSA) that calls can use."
    static let arrivesWith = "issue #4 (media: capture and playback devices)"
    static let configuration = plannedConfiguration("devices")
}
