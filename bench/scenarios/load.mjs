export async function runLoad() { return { skipped: true }; }
