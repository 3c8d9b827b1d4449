// Whether text is standard base64, the test the Functions host applies before decoding a queue message.

/** Standard alphabet, padded to a multiple of 4 (the empty string counts, as it decodes to no bytes). */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}
