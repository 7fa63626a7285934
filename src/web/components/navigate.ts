import { useLocation } from 'wouter';

/** Goes to a page (a new history entry, so the browser's back button returns). */
export function useNavigate(): (to: string) => void {
  const [, navigate] = useLocation();
  return (to) => {
    navigate(to);
  };
}
