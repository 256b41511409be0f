// Appointments, booking, the ticket and the turn, offline.
export const visits = {
  home: { heading: "My visits" },
  book: { heading: "Book a visit" },
  turn: { heading: "My turn" },
};
