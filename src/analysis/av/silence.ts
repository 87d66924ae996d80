/**
 * Digital silence: ebur128 floors the integrated loudness at BS.1770's −70 LUFS absolute gate
 * and reports the true peak of an all-zero signal as −inf (printed as about −200 dBTP). Such
 * figures are not measurements and must not be read as "too quiet by 51 LU".
 */
export function isSilent(loudness: { integrated_lufs: number; true_peak_dbtp: number }): boolean {
  return loudness.integrated_lufs <= -69.95 && loudness.true_peak_dbtp <= -100;
}
