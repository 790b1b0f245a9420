"""A LinkUp call whose signaling blips keeps its media and never hangs up (issue #13, connection state recovery):
`linkup bot` reaches `linkup serve` through a loopback relay whose TCP connections the test cuts mid-call."""

import threading
import time

import pytest

from linkup_call import linkup_bot, run_call
from linkup_serve import linkup_serve, serve_unavailable
from signaling_server import Peer
from tcp_cutter import TCPCutter

pytestmark = pytest.mark.skipif(serve_unavailable() is not None, reason=str(serve_unavailable()))


def test_bot_signaling_blip_mid_call_keeps_media_and_the_call():
    with linkup_serve() as server:
        relay = TCPCutter(server.port)
        try:
            with linkup_bot(relay.url, "blip-room", "echo", name="blip-bot") as bot:
                observer = Peer(server.url, ["websocket"], name="observer")
                observer.join("blip-room", "observer")
                cuts = []

                def blip():
                    # Wait until the call's media flows (the bot logs the connected call), then cut.
                    deadline = time.monotonic() + 20
                    while not any("call with" in line and "started" in line for line in bot.log):
                        if time.monotonic() > deadline:
                            return
                        time.sleep(0.05)
                    time.sleep(1.0)
                    cuts.append(relay.cut())
                    # Sent while the bot is away (or its old connection is dying): it must still get it.
                    observer.call("chat", {"room": "blip-room", "text": "missed while away"})

                cutter = threading.Thread(target=blip, daemon=True)
                cutter.start()
                status, summary, log = run_call(server.url, "blip-room", "--to", "blip-bot", "--duration", "7")
                cutter.join(1)
                assert cuts and cuts[0] >= 1, "the relay had no connection to cut: " + "".join(bot.log)
                assert status == 0, log
                assert summary["connected"], summary
                media = summary["media"]
                # About 7 s of 30 fps video went out and came back, blip or not.
                assert media["videoFramesSent"] >= 150, media
                assert media["videoFramesDecoded"] >= 0.8 * media["videoFramesSent"], media
                assert "hung up" not in (summary.get("endReason") or ""), summary
                assert relay.accepted >= 2, "the bot did not reconnect through the relay"
                bot_log = "".join(bot.log)
                assert "lost the signaling server" in bot_log, bot_log
                assert "new participant" not in bot_log, bot_log
                ended = bot.wait_for_calls(1)
                # The forwarding echo sent every packet back, blip or not (about 7 s of 90 packets a second).
                assert ended[0]["media"]["packetsForwarded"] >= 500, ended
                assert "[chat] observer: missed while away" in "".join(bot.log), "".join(bot.log)
                # The observer saw the caller come and go, but never the bot leave.
                seen = []
                while not observer.events.empty():
                    name, data = observer.events.get_nowait()
                    seen.append((name, data))
                assert not any(name == "peer-left" and data.get("id") not in caller_ids(seen) for name, data in seen), seen
                observer.close()
        finally:
            relay.close()


def caller_ids(events) -> set:
    """The ids of the participants who joined while the observer watched (the caller); the bot was there before."""
    return {data["id"] for name, data in events if name == "peer-joined"}
