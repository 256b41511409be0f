// The patient app's frame: title, tabs, sign-out, the offline line.
export const shell = {
  title: "My visits",
  skip: "Skip to the main content",
  nav: { label: "Main", home: "Visits", book: "Book", turn: "My turn", me: "Me" },
  signOut: "Sign out",
  signOutPending: "{count} changes you made offline have not reached the clinic yet. Signing out now would lose them. Connect first, or sign out anyway?",
  signOutAnyway: "Sign out anyway",
  stay: "Stay signed in",
  staffUseDesk: "This app is for patients. Staff sign in at the clinic's staff app.",
  offline: "Offline: showing what was known {asOf}.",
  offlineNever: "Offline: nothing saved on this phone yet.",
  waiting: "{count} changes will be sent when you are back online.",
  notFound: "Page not found.",
  home: "Back to my visits",
};
