"""Portal pages: tickets, accounts and two-factor log-in, public pages."""
