// Placeholder: replaced by the account work.
export function SignIn({ expired }: { expired: boolean }) {
  return <main id="main"><h1>Sign in {expired ? "again" : ""}</h1></main>;
}
