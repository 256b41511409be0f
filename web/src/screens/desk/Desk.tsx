export function Desk() {
  return <main id="main"><h1>Desk</h1></main>;
}
