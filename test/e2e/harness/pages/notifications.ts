/** Notification toasts. */
import type { Locator } from 'playwright-core';
import { NOTIFICATIONS } from '../selectors';
import { waitUntil } from '../wait';

/** Waits until TOAST has faded in: a screenshot taken before shows it half drawn. */
export async function toastShown(toast: Locator, timeout = 5000): Promise<void> {
  await waitUntil(
    'the notification has faded in',
    async () => ((await toast.getAttribute('class')) ?? '').split(' ').includes(NOTIFICATIONS.fadedInClass),
    timeout,
  );
}
