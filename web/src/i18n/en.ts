// Every string the app shows, in one place: a translation is a copy of this file.
// Each area keeps its own section; `{name}` marks a value filled in by `t()` (src/i18n/index.ts).
export const en = {
  app: {
    title: "HMS",
    skip: "Skip to the main content",
    signOut: "Sign out",
    signOutPending: "{count} desk operations have not reached the server yet. Signing out now would lose them. Reconnect first, or sign out anyway?",
    signOutAnyway: "Sign out anyway",
    loading: "Loading…",
    retry: "Try again",
    close: "Close",
    cancel: "Cancel",
    save: "Save",
    offline: "Offline",
    unreachable: "The server cannot be reached. Check the network cable or Wi-Fi, then try again.",
    unexpected: "Something went wrong ({status}). Try again; if it keeps happening, tell the administrator.",
    forbidden: "Your account may not do this.",
    notFound: "Page not found.",
    home: "Go to your start page",
    nav: { desk: "Reception desk", doctor: "My line", admin: "Admin" },
  },
  signIn: {
    heading: "Sign in to HMS",
    username: "Username",
    password: "Password",
    submit: "Sign in",
    failed: "Wrong username or password. Check them and try again.",
    throttled: "Too many attempts. Wait {seconds} seconds, then try again.",
    expired: "Your session has ended. Sign in again to go on; nothing you typed or queued is lost.",
    patientsUseApp: "Patients use the HMS patient app, not this one.",
  },
  // desk: reception desk (src/screens/desk)
  desk: {},
  // doctor: the doctor's console (src/screens/doctor)
  doctor: {},
  // admin: the admin console (src/screens/admin)
  admin: {},
} as const;

export type Strings = typeof en;
