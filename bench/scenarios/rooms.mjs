export async function runRooms() { return { skipped: true }; }
