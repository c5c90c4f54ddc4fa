/**
 * Every notification and dialog of the extension goes out here. Their messages carry text
 * from the system (process names, bind-mount paths, labels, the messages of tools), and
 * VS Code makes `[label](command:…)`, `(https:…)` and `(file:…)` in a notification a
 * link that a click follows: a command link runs the command with the arguments in it.
 * So each message is made printable here, the one place (no newline forges a line), and
 * cannot form a link (see noticeText).
 */
import * as vscode from 'vscode';
import { noticeText } from './markdown';

export function inform<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showInformationMessage(noticeText(message), ...actions);
}

export function warn<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showWarningMessage(noticeText(message), ...actions);
}

export function fail<T extends string>(message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showErrorMessage(noticeText(message), ...actions);
}

/** A modal warning, with DETAIL (a command to copy) under the message. */
export function warnModal<T extends string>(message: string, detail: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showWarningMessage(noticeText(message), { modal: true, detail: noticeText(detail) }, ...actions);
}
