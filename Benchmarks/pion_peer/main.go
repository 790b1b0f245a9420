// pion_peer: a Pion WebRTC v3 answerer for LinkUp's benchmarks, driven over JSON lines like `linkup probe --answer`.
//
// stdin:  {"type":"offer","sdp":...}, then trickled {"type":"candidate","candidate":"candidate:..."} lines
//
//	(a null candidate ends them), then {"type":"bye"} or end of input to exit.
//
// stdout: {"type":"answer","sdp":...} (no candidates in it), trickled {"type":"candidate",...} lines ending with a
//
//	null candidate, and {"type":"connected","ms":...} when the PeerConnection state becomes connected, ms counted
//	from the start of SetRemoteDescription(offer) on this process's monotonic clock.
//
// It uses no STUN or TURN server and gathers one host candidate, UDP on 127.0.0.1 (loopback included, every other
// address filtered out, mDNS off), so every datagram stays on loopback. It answers Opus audio and VP8 video; with
// -tracks (the default) it has a local audio and video track, so sendrecv offers get sendrecv answers (no samples are
// ever written to them), and with -tracks=false it answers recvonly. -v logs state changes with timestamps on stderr.
//
// Built offline in GOPATH mode from Debian's golang-github-pion-webrtc.v3-dev:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o .build-bench/pion_peer ./Benchmarks/pion_peer
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/webrtc/v3"
)

// message is one JSON line in either direction; Candidate is a pointer so null (end of candidates) survives.
type message struct {
	Type          string   `json:"type"`
	SDP           string   `json:"sdp,omitempty"`
	Candidate     *string  `json:"candidate,omitempty"`
	SDPMid        *string  `json:"sdpMid,omitempty"`
	SDPMLineIndex *uint16  `json:"sdpMLineIndex,omitempty"`
	Ms            *float64 `json:"ms,omitempty"`
	Message       string   `json:"message,omitempty"`
}

// output serializes lines to stdout; candidates are held until the answer is out (the offerer needs our ufrag).
type output struct {
	mu         sync.Mutex
	answerSent bool
	held       [][]byte
}

func (o *output) write(line []byte) {
	os.Stdout.Write(append(line, '\n'))
}

func (o *output) emit(m message) {
	line, err := json.Marshal(m)
	if err != nil {
		fatalf("encoding %s: %v", m.Type, err)
	}
	if m.Type == "candidate" && m.Candidate == nil {
		line = []byte(`{"type":"candidate","candidate":null}`) // end of candidates: an explicit null
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if m.Type == "candidate" && !o.answerSent {
		o.held = append(o.held, line)
		return
	}
	o.write(line)
	if m.Type == "answer" {
		o.answerSent = true
		for _, held := range o.held {
			o.write(held)
		}
		o.held = nil
	}
}

// candidateLine is a trickled candidate (nil: end of candidates) as the JSON line other peers read. Pion's
// ToJSON().Candidate is "candidate:..." already; its sdpMid is only filled in when the transceivers have mids.
func candidateLine(c *webrtc.ICECandidate) message {
	if c == nil {
		return message{Type: "candidate"}
	}
	init := c.ToJSON()
	mid, index := "0", uint16(0)
	if init.SDPMid != nil {
		mid = *init.SDPMid
	}
	if init.SDPMLineIndex != nil {
		index = *init.SDPMLineIndex
	}
	return message{Type: "candidate", Candidate: &init.Candidate, SDPMid: &mid, SDPMLineIndex: &index}
}

var started = time.Now()

func logf(verbose bool, format string, args ...interface{}) {
	if verbose {
		elapsed := float64(time.Since(started).Microseconds()) / 1000
		fmt.Fprintf(os.Stderr, "pion_peer +%.1f ms: %s\n", elapsed, fmt.Sprintf(format, args...))
	}
}

func fatalf(format string, args ...interface{}) {
	line, _ := json.Marshal(message{Type: "error", Message: fmt.Sprintf(format, args...)})
	os.Stdout.Write(append(line, '\n'))
	fmt.Fprintf(os.Stderr, "pion_peer: "+format+"\n", args...)
	os.Exit(1)
}

func newAPI() *webrtc.API {
	media := &webrtc.MediaEngine{}
	if err := media.RegisterDefaultCodecs(); err != nil {
		fatalf("registering codecs: %v", err)
	}
	settings := webrtc.SettingEngine{}
	settings.SetIncludeLoopbackCandidate(true)
	settings.SetIPFilter(func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) })
	settings.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	settings.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithMediaEngine(media), webrtc.WithSettingEngine(settings))
}

func addTracks(pc *webrtc.PeerConnection) {
	tracks := []webrtc.RTPCodecCapability{
		{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2},
		{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000},
	}
	for i, codec := range tracks {
		kind := strings.ToLower(strings.SplitN(codec.MimeType, "/", 2)[0])
		track, err := webrtc.NewTrackLocalStaticSample(codec, kind, fmt.Sprintf("pion-%d", i))
		if err != nil {
			fatalf("creating the %s track: %v", kind, err)
		}
		sender, err := pc.AddTrack(track)
		if err != nil {
			fatalf("adding the %s track: %v", kind, err)
		}
		// Read (and drop) incoming RTCP, as Pion's examples do: it keeps interceptors running.
		go func() {
			buffer := make([]byte, 1500)
			for {
				if _, _, err := sender.Read(buffer); err != nil {
					return
				}
			}
		}()
	}
}

func main() {
	withTracks := flag.Bool("tracks", true, "send an (idle) Opus and VP8 track, answering sendrecv offers sendrecv")
	verbose := flag.Bool("v", false, "log state changes with timestamps on stderr")
	flag.Parse()

	pc, err := newAPI().NewPeerConnection(webrtc.Configuration{ICEServers: []webrtc.ICEServer{}})
	if err != nil {
		fatalf("creating the PeerConnection: %v", err)
	}
	defer pc.Close()
	if *withTracks {
		addTracks(pc)
	}

	out := &output{}
	// When SetRemoteDescription(offer) started, as time since `started` (monotonic); set by the stdin goroutine,
	// read by Pion's callback goroutine.
	var negotiatedAt atomic.Int64
	var once sync.Once
	done := make(chan struct{})
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c != nil {
			logf(*verbose, "local candidate %s", c.String())
		} else {
			logf(*verbose, "gathering complete")
		}
		out.emit(candidateLine(c))
	})
	pc.OnICEConnectionStateChange(func(state webrtc.ICEConnectionState) {
		logf(*verbose, "ICE %s", state)
	})
	pc.OnConnectionStateChange(func(state webrtc.PeerConnectionState) {
		logf(*verbose, "connection %s", state)
		switch state {
		case webrtc.PeerConnectionStateConnected:
			once.Do(func() {
				ms := float64((time.Since(started) - time.Duration(negotiatedAt.Load())).Microseconds()) / 1000
				out.emit(message{Type: "connected", Ms: &ms})
			})
		case webrtc.PeerConnectionStateFailed:
			out.emit(message{Type: "error", Message: "connection failed"})
		}
	})
	pc.OnTrack(func(track *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		logf(*verbose, "remote %s track", track.Kind())
		buffer := make([]byte, 1500)
		for {
			if _, _, err := track.Read(buffer); err != nil {
				return
			}
		}
	})

	go func() {
		defer close(done)
		reader := bufio.NewReaderSize(os.Stdin, 1<<20)
		for {
			line, err := reader.ReadBytes('\n')
			if len(strings.TrimSpace(string(line))) > 0 {
				if !handle(pc, line, out, &negotiatedAt, *verbose) {
					return
				}
			}
			if err == io.EOF {
				return
			} else if err != nil {
				fatalf("reading stdin: %v", err)
			}
		}
	}()
	<-done
	logf(*verbose, "bye")
}

// handle applies one input line; false means stop (bye).
func handle(pc *webrtc.PeerConnection, line []byte, out *output, negotiatedAt *atomic.Int64, verbose bool) bool {
	var m message
	if err := json.Unmarshal(line, &m); err != nil {
		fmt.Fprintf(os.Stderr, "pion_peer: ignoring a line that is not JSON: %.80s\n", line)
		return true
	}
	switch m.Type {
	case "offer":
		negotiatedAt.Store(int64(time.Since(started)))
		logf(verbose, "offer received")
		if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: m.SDP}); err != nil {
			fatalf("setting the offer: %v", err)
		}
		answer, err := pc.CreateAnswer(nil)
		if err != nil {
			fatalf("creating the answer: %v", err)
		}
		// Gathering starts here; its candidates trickle (held until the answer below is printed).
		if err := pc.SetLocalDescription(answer); err != nil {
			fatalf("setting the answer: %v", err)
		}
		out.emit(message{Type: "answer", SDP: answer.SDP})
		logf(verbose, "answer sent")
	case "candidate":
		if m.Candidate == nil || *m.Candidate == "" {
			logf(verbose, "remote end of candidates")
			return true
		}
		candidate := strings.TrimPrefix(strings.TrimSpace(*m.Candidate), "a=")
		logf(verbose, "remote candidate %s", candidate)
		if err := pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: candidate, SDPMid: m.SDPMid,
			SDPMLineIndex: m.SDPMLineIndex}); err != nil {
			fmt.Fprintf(os.Stderr, "pion_peer: ignoring candidate %q: %v\n", candidate, err)
		}
	case "bye":
		return false
	default:
		fmt.Fprintf(os.Stderr, "pion_peer: ignoring a %q message\n", m.Type)
	}
	return true
}
