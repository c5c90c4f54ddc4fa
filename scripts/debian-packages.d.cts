export interface DebianPackage {
  name: string;
  /** Programs by name, files by absolute path. */
  provides: string[];
  for: string;
}

export interface LookupOptions {
  /** Prefix of every path looked at (a fixture tree); `/` by default. */
  root?: string;
  /** Stands for $PATH. */
  searchPath?: string;
}

export declare const PACKAGES: readonly DebianPackage[];
export declare function packageOf(tool: string): DebianPackage;
export declare function isPresent(tool: string, opts?: LookupOptions): boolean;
export declare function installCommand(packages: readonly string[], opts?: { asRoot?: boolean }): string;
export declare function missingTools(
  tools: readonly string[],
  opts?: LookupOptions & { asRoot?: boolean },
): string | null;
