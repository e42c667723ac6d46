// Vite's `?raw` imports (a file's text), used for SQL fixtures in the workerd tests.
declare module "*?raw" {
  const text: string;
  export default text;
}
