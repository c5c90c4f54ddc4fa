/**
 * Activation that fails loudly: a failure while wiring is logged and shown, what was
 * registered so far is disposed, and every contributed command is registered again to
 * answer with the reason (as on a system without Linux namespaces), never half registered.
 * No vscode here: the unit tests give plain functions.
 */

/** What activation needs from the editor. */
export interface ActivationHost {
  /** Where every registration goes (the extension context's subscriptions). */
  readonly subscriptions: { dispose(): unknown }[];
  readonly log: { error(message: string, ...args: unknown[]): void };
  /** Tells the user REASON (a notification). */
  show(reason: string): void;
  /** Registers every contributed command to answer with REASON. */
  explain(reason: string): void;
}

/**
 * Runs WIRE and returns what it returns. The registrations made before (the log, Show Log)
 * stay. A failure is rethrown, as rust-analyzer does: the editor then records the
 * extension as failed (Running Extensions, the extension host's log) and an extension that
 * asks for our API gets the error rather than undefined. The explainers stay registered
 * all the same: VS Code does not dispose a failed extension's subscriptions.
 */
export function activateOrExplain<T>(host: ActivationHost, wire: () => T): T {
  const kept = host.subscriptions.length;
  try {
    return wire();
  } catch (err) {
    const reason = `Namespace Explorer could not start: ${errorMessage(err)}`;
    host.log.error('activation failed', err);
    // Disposed before the explainers register: the same command ids are taken until then.
    for (const registered of host.subscriptions.splice(kept).reverse()) {
      try {
        registered.dispose();
      } catch (disposeErr) {
        host.log.error('disposing after the failed activation failed', disposeErr);
      }
    }
    host.show(reason);
    host.explain(reason);
    throw err;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
