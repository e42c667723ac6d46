export async function runResume() { return { skipped: true }; }
