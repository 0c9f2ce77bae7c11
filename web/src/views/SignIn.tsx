/** Shown whenever the API answers 401: the page works only with a session from `flotilla web`. */
export function SignIn() {
  return (
    <main className="signin" id="main">
      <h1>Sign in to Flotilla</h1>
      <p>This dashboard needs a session. In a terminal on this machine, run:</p>
      <pre className="code">flotilla web</pre>
      <p>
        It prints a single-use sign-in link (valid for one minute); <code>flotilla web --open</code> opens it
        in your browser.
      </p>
      <p className="muted">No data is shown until you sign in.</p>
    </main>
  );
}
