/// What the data channels of every call of a `linkup call` or `linkup bot` do.
struct DataChannelPlan: Sendable {
    /// What happens to incoming channels and messages.
    enum Role: Sendable {
        /// A person (`linkup call`): chat lines are printed, files saved into `receiveDirectory` (or refused).
        case person
        /// An echo bot: every message on a channel other than `file` goes back on the channel it came on; files
        /// are checked (and saved into `receiveDirectory` when set, else discarded).
        case echo
        /// A bot that logs chat lines and saves files into `receiveDirectory` (or refuses them).
        case bot
    }

    var role: Role
    /// The caller opens the `chat` channel before its offer (so the offer carries `m=application`).
    var opensChat: Bool
    /// Where received files are saved; nil: a person or bot refuses them, an echo bot checks and discards them.
    var receiveDirectory: String?
    /// Received chat lines go to standard output (`linkup call` without `--json`); otherwise to standard error.
    var chatToStandardOutput: Bool
    /// Transfer progress on standard error (`linkup call`); bots log one line per file instead.
    var showsProgress: Bool
    /// The prefix of log lines (`linkup call`, `linkup bot`).
    var logTag: String
}
