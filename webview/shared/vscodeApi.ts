/**
 * The page's handle on VS Code, typed by its panel's protocol (src/ui/PANEL/protocol.ts): the
 * messages it posts and the state it keeps while hidden (no retainContextWhenHidden).
 */
export interface VsCodeApi<FromWebview, State> {
  postMessage(msg: FromWebview): void;
  getState(): Partial<State> | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

/** VS Code hands out its API once per page: a page calls this once, at the top. */
export function vscodeApi<FromWebview, State>(): VsCodeApi<FromWebview, State> {
  return acquireVsCodeApi() as VsCodeApi<FromWebview, State>;
}
