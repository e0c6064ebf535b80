import { useQuery } from "@tanstack/react-query";
import { api } from "./client.js";

export interface Department {
  id: number;
  name: string;
  serverCount: number;
  createdAt: string;
  updatedAt: string;
}

export const departmentsKey = ["departments"] as const;

export function useDepartments() {
  return useQuery({
    queryKey: departmentsKey,
    queryFn: ({ signal }) =>
      api<{ items: Department[] }>("GET", "/departments", { signal }).then((r) => r.items),
  });
}

export const createDepartment = (name: string) => api<Department>("POST", "/departments", { body: { name } });
export const renameDepartment = (id: number, name: string) =>
  api<Department>("PATCH", `/departments/${id}`, { body: { name } });
export const deleteDepartment = (id: number) => api<void>("DELETE", `/departments/${id}`);
