// Placeholder: replaced by the screen's own work.
export function Reset() {
  return <main id="main"><h1>Reset</h1></main>;
}
