export async function runWeight() { return { skipped: true }; }
