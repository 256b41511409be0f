// Placeholder: replaced by the screen's own work.
export function Me() {
  return <main id="main"><h1>Me</h1></main>;
}
