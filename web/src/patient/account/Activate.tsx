// Placeholder: replaced by the screen's own work.
export function Activate() {
  return <main id="main"><h1>Activate</h1></main>;
}
