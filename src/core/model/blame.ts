/**
 * Whose a failure is: the request's, when it names what does not exist or asks what cannot
 * work, whatever the system (`nsx` exits 2), or the attempt's, when the system refused, a
 * tool failed or the target went away meanwhile (`nsx` exits 1).
 */
export type Blame = 'request' | 'attempt';
