// Starts Det Fælles Designsystem's components (menus, tabs, alerts) on every page.
// A file of its own: the pages allow no inline script.
DKFDS.init();
