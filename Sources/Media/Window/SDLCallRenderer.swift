internal import CSDL2
import Wire

#if canImport(Glibc)
import Glibc
#endif

/// The SDL2 side of `CallWindow`: the window, its renderer, the two video textures and the fonts. Created, used
/// and destroyed on the window's thread only (SDL wants its video calls on one thread).
final class SDLCallRenderer {
    private let window: OpaquePointer
    private let renderer: OpaquePointer
    private var font: OpaquePointer?
    private var remoteTexture: (texture: OpaquePointer, width: Int, height: Int)?
    private var localTexture: (texture: OpaquePointer, width: Int, height: Int)?
    private var userResized = false
    private var sizedToRemote = false
    private var fullScreen = false
    private var windowedGeometry: SDL_Rect?
    private static let barHeight = 44
    private static let fontCandidates = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    ]

    init(options: CallWindow.Options) throws(DeviceError) {
        guard CallWindow.displayAvailable else {
            throw .invalidConfiguration("no display for the call window (DISPLAY is not set)")
        }
        guard SDL_Init(UInt32(SDL_INIT_VIDEO)) == 0 else {
            throw .invalidConfiguration("SDL could not start its video: \(Self.sdlError())")
        }
        let undefined = Int32(bitPattern: 0x1FFF_0000)  // SDL_WINDOWPOS_UNDEFINED (a macro Swift cannot import)
        let flags = SDL_WINDOW_RESIZABLE.rawValue | SDL_WINDOW_SHOWN.rawValue
        guard let window = SDL_CreateWindow(options.title, undefined, undefined, Int32(options.width),
                                            Int32(options.height), flags) else {
            let reason = Self.sdlError()
            SDL_Quit()
            throw .invalidConfiguration("SDL could not open the call window: \(reason)")
        }
        // Accelerated when the display has it; the software renderer otherwise (Xvfb, remote X).
        guard let renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_ACCELERATED.rawValue)
            ?? SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE.rawValue) else {
            let reason = Self.sdlError()
            SDL_DestroyWindow(window)
            SDL_Quit()
            throw .invalidConfiguration("SDL could not draw into the call window: \(reason)")
        }
        self.window = window
        self.renderer = renderer
        _ = SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND)
        if TTF_Init() == 0 {
            let path = options.fontPath ?? Self.fontCandidates.first { access($0, R_OK) == 0 }
            if let path { font = TTF_OpenFont(path, 15) }
        }
    }

    /// Draws and handles input until the window is closed or the owner stops it.
    func run(window owner: CallWindow) {
        var lastStatusVersion = -1
        var lastDraw = Instant.zero
        var event = SDL_Event()
        while !owner.stopped.load(ordering: .acquiring) {
            var hangUp = false
            if SDL_WaitEventTimeout(&event, 10) != 0 {
                repeat {
                    if let action = handle(event) {
                        owner.queue.post(action)
                        if action == .hangUp { hangUp = true }
                    }
                } while SDL_PollEvent(&event) != 0
            }
            if hangUp { return }
            var changed = false
            if let frame = owner.remote.take() {
                upload(frame, into: &remoteTexture)
                changed = true
                if !sizedToRemote, !userResized, !fullScreen {
                    sizedToRemote = true
                    SDL_SetWindowSize(window, Int32(min(frame.width, 1280)), Int32(min(frame.height, 720)))
                }
            }
            if let frame = owner.local.take() {
                upload(frame, into: &localTexture)
                changed = true
            }
            let version = owner.statusVersion.load(ordering: .acquiring)
            if version != lastStatusVersion { lastStatusVersion = version; changed = true }
            let now = DeviceClock.now()
            // The duration ticks every second even when no video comes: redraw at least four times a second.
            if changed || now - lastDraw >= .milliseconds(250) {
                draw(owner.currentStatus, now: now)
                owner.presented.add(1, ordering: .relaxed)
                lastDraw = now
            }
        }
    }

    /// An SDL event as what the person asked for; window resizes and full screen are handled here.
    private func handle(_ event: SDL_Event) -> CallWindowEvent? {
        switch event.type {
        case SDL_QUIT.rawValue:
            return .hangUp
        case SDL_WINDOWEVENT.rawValue:
            if event.window.event == UInt8(SDL_WINDOWEVENT_RESIZED.rawValue) { userResized = sizedToRemote }
            if event.window.event == UInt8(SDL_WINDOWEVENT_CLOSE.rawValue) { return .hangUp }
            return nil
        case SDL_KEYDOWN.rawValue:
            guard event.key.`repeat` == 0 else { return nil }
            switch event.key.keysym.sym {
            case Int32(UInt8(ascii: "m")): return .toggleMute
            case Int32(UInt8(ascii: "v")): return .toggleCamera
            case Int32(UInt8(ascii: "s")): return .toggleScreenShare
            case Int32(UInt8(ascii: "q")), 27: return .hangUp  // 27: SDLK_ESCAPE
            case Int32(UInt8(ascii: "f")):
                toggleFullScreen()
                return .toggleFullScreen
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Full screen as a borderless window over the whole display, and back to where it was. SDL's own
    /// SDL_WINDOW_FULLSCREEN_DESKTOP needs a window manager to resize the window (without one, under Xvfb or a bare X
    /// server, SDL draws for a size the window never gets); moving and sizing the window works with or without one.
    private func toggleFullScreen() {
        if let saved = windowedGeometry {
            SDL_SetWindowBordered(window, SDL_TRUE)
            SDL_SetWindowSize(window, saved.w, saved.h)
            SDL_SetWindowPosition(window, saved.x, saved.y)
            windowedGeometry = nil
            fullScreen = false
            return
        }
        var bounds = SDL_Rect()
        guard SDL_GetDisplayBounds(max(0, SDL_GetWindowDisplayIndex(window)), &bounds) == 0 else { return }
        var saved = SDL_Rect()
        SDL_GetWindowPosition(window, &saved.x, &saved.y)
        SDL_GetWindowSize(window, &saved.w, &saved.h)
        windowedGeometry = saved
        SDL_SetWindowBordered(window, SDL_FALSE)
        SDL_SetWindowPosition(window, bounds.x, bounds.y)
        SDL_SetWindowSize(window, bounds.w, bounds.h)
        SDL_RaiseWindow(window)
        fullScreen = true
    }

    /// Copies an I420 picture into its streaming texture (a new texture when the size changed).
    private func upload(_ frame: VideoFrame, into slot: inout (texture: OpaquePointer, width: Int, height: Int)?) {
        if slot == nil || slot?.width != frame.width || slot?.height != frame.height {
            if let old = slot?.texture { SDL_DestroyTexture(old) }
            slot = nil
            guard let texture = SDL_CreateTexture(renderer, UInt32(SDL_PIXELFORMAT_IYUV.rawValue),
                                                  Int32(SDL_TEXTUREACCESS_STREAMING.rawValue),
                                                  Int32(frame.width), Int32(frame.height)) else { return }
            slot = (texture, frame.width, frame.height)
        }
        guard let texture = slot?.texture else { return }
        frame.y.withUnsafeBufferPointer { y in
            frame.u.withUnsafeBufferPointer { u in
                frame.v.withUnsafeBufferPointer { v in
                    _ = SDL_UpdateYUVTexture(texture, nil, y.baseAddress, Int32(frame.strideY), u.baseAddress,
                                             Int32(frame.strideU), v.baseAddress, Int32(frame.strideV))
                }
            }
        }
    }

    private func draw(_ status: CallWindowStatus, now: Instant) {
        var width: Int32 = 0, height: Int32 = 0
        _ = SDL_GetRendererOutputSize(renderer, &width, &height)
        let windowWidth = Int(width), windowHeight = Int(height)
        _ = SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255)
        _ = SDL_RenderClear(renderer)
        let whole = CallWindowLayout.Rect(x: 0, y: 0, width: windowWidth, height: windowHeight)
        if let remote = remoteTexture {
            var target = Self.sdlRect(CallWindowLayout.fit(width: remote.width, height: remote.height, in: whole))
            _ = SDL_RenderCopy(renderer, remote.texture, nil, &target)
        } else {
            text(status.stateText.isEmpty ? "waiting for video…" : "", centreX: windowWidth / 2,
                 y: windowHeight / 2 - 10)
        }
        if let local = localTexture {
            let box = CallWindowLayout.inset(width: local.width, height: local.height, windowWidth: windowWidth,
                                             windowHeight: windowHeight, bottomMargin: Self.barHeight)
            var frame = Self.sdlRect(CallWindowLayout.Rect(x: box.x - 2, y: box.y - 2, width: box.width + 4,
                                                           height: box.height + 4))
            _ = SDL_SetRenderDrawColor(renderer, 255, 255, 255, 200)
            _ = SDL_RenderFillRect(renderer, &frame)
            var target = Self.sdlRect(box)
            _ = SDL_RenderCopy(renderer, local.texture, nil, &target)
        }
        // The status bar: name and duration with badges, then the live numbers.
        var bar = SDL_Rect(x: 0, y: Int32(windowHeight - Self.barHeight), w: Int32(windowWidth),
                           h: Int32(Self.barHeight))
        _ = SDL_SetRenderDrawColor(renderer, 0, 0, 0, 170)
        _ = SDL_RenderFillRect(renderer, &bar)
        let title = status.title(now: now)
        let badges = status.badges
        text(badges.isEmpty ? title : "\(title)   \(badges)", x: 8, y: windowHeight - Self.barHeight + 3,
             colour: badges.isEmpty ? (255, 255, 255) : (255, 210, 80))
        text(status.statsLine, x: 8, y: windowHeight - Self.barHeight / 2 + 1, colour: (200, 230, 255))
        if !status.stateText.isEmpty {
            var banner = SDL_Rect(x: 0, y: Int32(windowHeight / 2 - 22), w: Int32(windowWidth), h: 44)
            _ = SDL_SetRenderDrawColor(renderer, 0, 0, 0, 190)
            _ = SDL_RenderFillRect(renderer, &banner)
            text(status.stateText, centreX: windowWidth / 2, y: windowHeight / 2 - 10, colour: (255, 220, 120))
        }
        SDL_RenderPresent(renderer)
    }

    /// Draws one line of text with its top-left at (x, y), or centred on `centreX`.
    private func text(_ string: String, x: Int = 0, centreX: Int? = nil, y: Int,
                      colour: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        guard let font, !string.isEmpty,
              let surface = TTF_RenderUTF8_Blended(font, string, SDL_Color(r: colour.0, g: colour.1, b: colour.2,
                                                                         a: 255)) else { return }
        defer { SDL_FreeSurface(surface) }
        guard let texture = SDL_CreateTextureFromSurface(renderer, surface) else { return }
        defer { SDL_DestroyTexture(texture) }
        let width = surface.pointee.w, height = surface.pointee.h
        var target = SDL_Rect(x: Int32(centreX.map { $0 - Int(width) / 2 } ?? x), y: Int32(y), w: width, h: height)
        _ = SDL_RenderCopy(renderer, texture, nil, &target)
    }

    func close() {
        if let texture = remoteTexture?.texture { SDL_DestroyTexture(texture) }
        if let texture = localTexture?.texture { SDL_DestroyTexture(texture) }
        if let font { TTF_CloseFont(font) }
        TTF_Quit()
        SDL_DestroyRenderer(renderer)
        SDL_DestroyWindow(window)
        SDL_Quit()
    }

    private static func sdlRect(_ rect: CallWindowLayout.Rect) -> SDL_Rect {
        SDL_Rect(x: Int32(rect.x), y: Int32(rect.y), w: Int32(rect.width), h: Int32(rect.height))
    }

    private static func sdlError() -> String { String(cString: SDL_GetError()) }
}
