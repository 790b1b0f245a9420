// Runs WebRTC's audio processing module (Debian libwebrtc-audio-processing-dev 0.3) over the synthetic echo path
// that Tests/MediaTests/Audio/EchoCancellerTests.swift builds (dumped with LINKUP_AEC_DUMP=DIR), so SpeexDSP and
// WebRTC's AEC are compared on the same signals. Usage: webrtc_apm DIR (reads DIR/mic.raw and DIR/far.raw, 48 kHz
// mono s16le; writes DIR/webrtc.raw).
#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include <cstdio>
#include <string>
#include <vector>

static std::vector<int16_t> readRaw(const std::string &path) {
    std::vector<int16_t> samples;
    FILE *file = fopen(path.c_str(), "rb");
    if (!file) return samples;
    int16_t buffer[4096];
    size_t count;
    while ((count = fread(buffer, 2, 4096, file)) > 0) samples.insert(samples.end(), buffer, buffer + count);
    fclose(file);
    return samples;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: webrtc_apm DIR\n"); return 2; }
    std::string dir = argv[1];
    std::vector<int16_t> mic = readRaw(dir + "/mic.raw"), far = readRaw(dir + "/far.raw");
    if (mic.empty() || mic.size() != far.size()) { fprintf(stderr, "mic.raw and far.raw missing or unequal\n"); return 1; }
    webrtc::Config config;
    config.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(true));
    config.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(true));
    webrtc::AudioProcessing *apm = webrtc::AudioProcessing::Create(config);
    apm->echo_cancellation()->Enable(true);
    apm->echo_cancellation()->enable_drift_compensation(false);
    apm->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression);
    apm->noise_suppression()->Enable(true);
    apm->noise_suppression()->set_level(webrtc::NoiseSuppression::kHigh);
    apm->high_pass_filter()->Enable(true);
    std::vector<int16_t> out(mic.size());
    const int block = 480;  // 10 ms at 48 kHz
    // The float interface: the AudioFrame one refuses 48 kHz in this version (kBadSampleRateError).
    float farBlock[block], nearBlock[block], outBlock[block];
    for (size_t start = 0; start + block <= mic.size(); start += block) {
        for (int i = 0; i < block; i++) {
            farBlock[i] = far[start + i] / 32768.0f;
            nearBlock[i] = mic[start + i] / 32768.0f;
        }
        const float *farChannels[1] = {farBlock};
        const float *nearChannels[1] = {nearBlock};
        float *outChannels[1] = {outBlock};
        int code = apm->AnalyzeReverseStream(farChannels, block, 48000, webrtc::AudioProcessing::kMono);
        if (code != 0) { fprintf(stderr, "reverse stream failed: %d\n", code); return 1; }
        apm->set_stream_delay_ms(0);
        code = apm->ProcessStream(nearChannels, block, 48000, webrtc::AudioProcessing::kMono, 48000,
                                  webrtc::AudioProcessing::kMono, outChannels);
        if (code != 0) { fprintf(stderr, "stream failed: %d\n", code); return 1; }
        for (int i = 0; i < block; i++) {
            float value = outBlock[i] * 32768.0f;
            out[start + i] = (int16_t)(value > 32767 ? 32767 : value < -32768 ? -32768 : value);
        }
    }
    FILE *file = fopen((dir + "/webrtc.raw").c_str(), "wb");
    fwrite(out.data(), 2, out.size(), file);
    fclose(file);
    delete apm;
    return 0;
}
