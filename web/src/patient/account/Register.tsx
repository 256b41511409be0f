// Placeholder: replaced by the screen's own work.
export function Register() {
  return <main id="main"><h1>Register</h1></main>;
}
