/**
 * RFC 8291 §5 "Push Message Encryption Example" and Appendix A "Intermediate Values for Encryption",
 * copied from the RFC text. The RFC wraps long values; the pieces below are its lines, joined.
 * Imported by the tests only (node and workerd).
 */
const joined = (...lines: string[]) => lines.join("");

export const RFC8291 = {
  plaintext: "When I grow up, I want to be a watermelon",
  /** Appendix A "Plaintext", base64url of the string above. */
  plaintextB64: "V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24",
  asPublic: joined("BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIg", "Dll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"),
  asPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
  uaPublic: joined("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcx", "aOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  salt: "DGv6ra1nlYgDCS1FRnbzlw",
  authSecret: "BTBZMqHH6r4Tts7J_aSIgg",

  ecdhSecret: "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs",
  prkKey: "Snr3JMxaHVDXHWJn5wdC52WjpCtd2EIEGBykDcZW32k",
  keyInfo: joined(
    "V2ViUHVzaDogaW5mbwAEJXGyvs3942BVGq8e0PTNNmwR",
    "zr5VX4m8t7GGpTM5FzFo7OLr4BhZe9MEebhuPI-OztV3",
    "ylkYfpJGmQ22ggCLDgT-M_SrDepxkU21WCP3O1SUj0Ew",
    "bZIHMtu5pZpTKGSCIA5Zent7wmC6HCJ5mFgJkuk5cwAv",
    "MBKiiujwa7t45ewP",
  ),
  ikm: "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg",
  prk: "09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc",
  cekInfo: "Q29udGVudC1FbmNvZGluZzogYWVzMTI4Z2NtAA",
  cek: "oIhVW04MRdy2XN9CiKLxTg",
  nonceInfo: "Q29udGVudC1FbmNvZGluZzogbm9uY2UA",
  nonce: "4h_95klXJ5E_qnoN",

  /** "The salt, record size of 4096, and application server public key produce an 86 octet header of …" */
  header: joined("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z", "9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml", "mlMoZIIgDll6e3vCYLocInmYWAmS6Tlz", "AC8wEqKK6PBru3jl7A8"),
  /** The plaintext with the padding delimiter 0x02 appended. */
  paddedPlaintext: joined("V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0", "byBiZSBhIHdhdGVybWVsb24C"),
  /** "The plaintext is then encrypted with AES-GCM, which emits ciphertext of …" */
  ciphertext: joined("8pfeW0KbunFT06SuDKoJH9Ql87S1QUrd", "irN6GcG7sFz1y1sqLgVi1VhjVkHsUoEs", "bI_0LpXMuGvnzQ"),
  /** §5: the request body (Content-Length: 145 in the example's headers; the body itself is 144 octets). */
  body: joined(
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml",
    "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT",
    "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
  ),
  /** §5: the example's endpoint and TTL. */
  endpoint: "https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV",
  ttl: 10,
} as const;
