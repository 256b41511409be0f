export function Doctor() {
  return <main id="main"><h1>Doctor</h1></main>;
}
