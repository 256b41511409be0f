// Placeholder: replaced by the screen's own work.
export function Home() {
  return <main id="main"><h1>Home</h1></main>;
}
