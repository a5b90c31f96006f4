/**
 * Projects: a folder with a {@code Mote.toml} manifest (read with Jackson's TOML module), what
 * {@code mote new} writes, the build settings a manifest and its profiles give, and the size
 * budgets a build must stay within. Sits above the pipeline and its reports (it checks an
 * {@code ImageSize}), below the command line and the language server, which both find a file's project here.
 */
package mote.project;
