// Placeholder: replaced by the screen's own work.
export function Visit() {
  return <main id="main"><h1>Visit</h1></main>;
}
