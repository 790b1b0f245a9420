"""A LinkUp call whose signaling blips keeps its media and never hangs up (issue #13, connection state recovery):
`linkup bot` reaches `linkup serve` through a loopback relay whose TCP connections the test cuts mid-call."""

import threading
import time

import pytest

from linkup_call import linkup_bot, run_call
from linkup_serve import linkup_serve, serve_unavailable
from tcp_cutter import TCPCutter

pytestmark = pytest.mark.skipif(serve_unavailable() is not None, reason=str(serve_unavailable()))


def test_bot_signaling_blip_mid_call_keeps_media_and_the_call():
    with linkup_serve() as server:
        relay = TCPCutter(server.port)
        try:
            with linkup_bot(relay.url, "blip-room", "echo", name="blip-bot") as bot:
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
                assert ended[0]["media"]["videoFramesSent"] >= 150, ended
        finally:
            relay.close()
