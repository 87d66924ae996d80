/** HTML escaping for everything that came from the asset, the profile, the client or a model. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Only our own inline raster images may become an image source: nothing that could fetch or run. */
export function safeImageUri(uri: string | undefined): string | undefined {
  return uri && /^data:image\/(jpeg|png|webp|gif);base64,[A-Za-z0-9+/=]+$/.test(uri) ? uri : undefined;
}
