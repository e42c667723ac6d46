/**
 * A microphone level for the devices panel: the RMS of the track's signal, 0…1, read on animation
 * frames while the panel is open. The analyser taps a clone of the track, so stopping the meter never
 * touches what the call sends.
 */
export function meterLevel(track: MediaStreamTrack, onLevel: (level: number) => void): () => void {
  const AudioCtx = globalThis.AudioContext;
  if (!AudioCtx) return () => {};
  const ctx = new AudioCtx();
  const tap = track.clone();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  ctx.createMediaStreamSource(new MediaStream([tap])).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let frame = 0;
  const read = () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    // Speech RMS sits around 0.02–0.2: scale so normal speech fills most of the meter.
    onLevel(Math.min(1, Math.sqrt(sum / samples.length) * 5));
    frame = requestAnimationFrame(read);
  };
  frame = requestAnimationFrame(read);
  return () => {
    cancelAnimationFrame(frame);
    tap.stop();
    void ctx.close();
  };
}
