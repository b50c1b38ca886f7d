package io.globalfunc.core.library;

import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * HTTP(S) credentials for a library's repository (Flux-style {@code username}/{@code password}, or
 * a bearer-like token sent as the password). {@link #toString()} never shows the secret.
 */
public record GitCredentials(String username, String password) {

  /** A token alone: sent as the password with a conventional user name. */
  public static GitCredentials token(String token) {
    return new GitCredentials("x-access-token", token);
  }

  CredentialsProvider provider() {
    return new UsernamePasswordCredentialsProvider(username, password);
  }

  @Override
  public String toString() {
    return "GitCredentials[username=" + username + ", password=***]";
  }
}
