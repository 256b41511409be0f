// Placeholder: replaced by the screen's own work.
export function Book() {
  return <main id="main"><h1>Book</h1></main>;
}
