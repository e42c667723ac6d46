/**
 * coturn's TURN REST credentials (`--use-auth-secret`): username `<unix expiry>:<user>`, password
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC and refuses an expired username,
 * so credentials need no storage and no call to the TURN server.
 */
export async function turnCredential(secret: string, user: string, expiry: number): Promise<{ username: string; credential: string }> {
  const username = `${expiry}:${user}`;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(username)));
  return { username, credential: btoa(String.fromCharCode(...mac)) };
}
