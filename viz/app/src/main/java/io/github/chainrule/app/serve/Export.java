package io.github.chainrule.app.serve;

/** A file the page downloads, made in memory. */
record Export(String fileName, String contentType, byte[] bytes) {}
