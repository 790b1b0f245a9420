import ArgumentParser
import Foundation
import Media

/// `linkup devices`: list the V4L2 cameras and ALSA sound devices a call can use.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List cameras (V4L2) and audio devices (ALSA) that calls can use.",
        discussion: """
            Cameras are the /dev/video* nodes that answer VIDIOC_QUERYCAP as video capture devices, with the \
            formats, sizes and frame rates they offer through libv4l (formats marked "converted" are produced by \
            libv4l from the camera's own). Audio devices are ALSA's sound cards and the PCM names its \
            configuration and cards offer for playback and capture. Finding nothing is not an error: the command \
            says so and exits 0.
            """)

    @Flag(help: "Print the list as one JSON object.")
    var json = false

    func run() throws {
        let report = DevicesReport.gather()
        if json {
            let data = try JSONSerialization.data(withJSONObject: report.json, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}
