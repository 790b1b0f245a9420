import ArgumentParser

/// `linkup serve`: the Socket.IO signaling server with rooms, chat, call relay and the web client.
struct ServeCommand: PlannedCommand {
    static let purpose = "Run the signaling server (rooms, chat, call set-up relay) and serve the web client."
    static let arrivesWith = "issue #5 (signaling server, serve/call/bot, web client)"
    static let configuration = plannedConfiguration("serve")
}

/// `linkup call`: join a room through a signaling server and place or answer a video call.
struct CallCommand: PlannedCommand {
    static let purpose = "Join a room on a signaling server and call someone (or answer), with live stats."
    static let arrivesWith = "issue #5 (signaling server, serve/call/bot, web client)"
    static let configuration = plannedConfiguration("call")
}

/// `linkup bot`: a headless media bot that accepts every call in a room (echo, record or play).
struct BotCommand: PlannedCommand {
    static let purpose = "Stay in a room as a headless bot that echoes, records or plays media to every caller."
    static let arrivesWith = "issue #5 (signaling server, serve/call/bot, web client)"
    static let configuration = plannedConfiguration("bot")
}
