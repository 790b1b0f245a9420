import ArgumentParser

@main
struct LinkUp: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "linkup", abstract: "LinkUp")
}
