// Sign-in, registration, activation, password, profile, notification preferences, push.
export const account = {
  signIn: { heading: "Sign in", phone: "Phone number", password: "Password", submit: "Sign in" },
};
