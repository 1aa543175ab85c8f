// Marks the current page's link in the header.
document.querySelectorAll(".site-header nav a").forEach((a) => {
  if (a.pathname === window.location.pathname) a.setAttribute("aria-current", "page");
});
